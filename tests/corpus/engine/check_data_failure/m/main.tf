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
