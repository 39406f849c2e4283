data "terraform_remote_state" "s" {
  backend = "local"
  config = {
    path = 1 + "x"
  }
}
resource "terraform_data" "a" {
  count = length(data.terraform_remote_state.s.outputs)
  input = var.undeclared
}
check "c" {
  data "terraform_remote_state" "t" {
    backend = "nope"
    bogus   = 1
  }
  assert {
    condition     = data.terraform_remote_state.t.outputs == {}
    error_message = "x"
  }
}
output "x" {
  value      = 1
  depends_on = [terraform_data.a]
}
variable "v" {
  type = string
  validation {
    condition     = length(var.v) > local.nope
    error_message = "m"
  }
}
