check "in_module" {
  data "terraform_remote_state" "present" {
    backend = "local"
    config = {
      path = "${path.root}/shared.tfstate"
    }
  }

  assert {
    condition     = length(data.terraform_remote_state.present.outputs) > 1
    error_message = "only ${length(data.terraform_remote_state.present.outputs)} output"
  }
}

# a second read that fails: check warnings are never consolidated with their like
check "missing_in_module" {
  data "terraform_remote_state" "missing" {
    backend = "local"
    config = {
      path = "${path.module}/nope.tfstate"
    }
  }

  assert {
    condition     = length(data.terraform_remote_state.missing.outputs) > 0
    error_message = "no outputs"
  }
}
