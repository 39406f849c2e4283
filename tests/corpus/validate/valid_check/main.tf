variable "n" {
  type    = number
  default = 3
}
check "positive" {
  assert {
    condition     = var.n > 0
    error_message = "n must be positive"
  }
}
check "state" {
  data "terraform_remote_state" "s" {
    backend = "local"
    config = {
      path = "nothing.tfstate"
    }
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs != null
    error_message = "no outputs"
  }
}
