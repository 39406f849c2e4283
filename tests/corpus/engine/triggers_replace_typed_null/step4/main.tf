# a typed null to a value: a replacement
variable "obj" {
  type    = object({ a = string })
  default = { a = "x" }
}

variable "names" {
  type    = list(string)
  default = ["p"]
}

resource "terraform_data" "obj" {
  input            = "o"
  triggers_replace = var.obj
}

resource "terraform_data" "names" {
  input            = "n"
  triggers_replace = var.names
}

resource "terraform_data" "untyped" {
  input = "u"
}

resource "terraform_data" "follower" {
  input = terraform_data.obj.id
}
