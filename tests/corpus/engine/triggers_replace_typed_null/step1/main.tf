variable "obj" {
  type    = object({ a = string })
  default = null
}

variable "names" {
  type    = list(string)
  default = null
}

resource "terraform_data" "obj" {
  input = "o"
}

resource "terraform_data" "names" {
  input = "n"
}

resource "terraform_data" "untyped" {
  input = "u"
}

resource "terraform_data" "follower" {
  input = terraform_data.obj.id
}
