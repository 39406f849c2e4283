# unset (null) to a typed null: equal for terraform's requires-replace check
# (cty Equals: nulls of any type are equal), so an update in place, not a
# replacement, though terraform_data plans a new id
variable "obj" {
  type    = object({ a = string })
  default = null
}

variable "names" {
  type    = list(string)
  default = null
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
  input            = "u"
  triggers_replace = null
}

resource "terraform_data" "follower" {
  input = terraform_data.obj.id
}
