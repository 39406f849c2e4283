variable "input" {
  type = string
}

resource "terraform_data" "inner" {
  count = 2
  input = "${var.input}-${count.index}"
}
