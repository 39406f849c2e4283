locals {
  a = "${var.a}"
  b = "${var.a}${var.b}"
  c = "x${var.a}"
  d = "${var.a}x"
  e = "${"a"}"
  f = "${format("%s", "${var.x}")}"
  g = "${var.list[0]}"
  h = "${~ var.a ~}"
  i = "%{ if true }x%{ endif }"
  j = "${var.a}" == "x"
}
variable "v" {
  default = "${path.module}"
  type = "string"
}
