# A data source inside a check block that cannot be read is a warning: the
# check fails with the read's message, its assertions are not evaluated, and
# the plan and apply go on. Check warnings found while planning for an apply
# are not repeated: the apply reports its own.
resource "terraform_data" "a" {
  input = "x"
}

check "missing_state" {
  data "terraform_remote_state" "missing" {
    backend = "local"
    config = {
      path = "${path.module}/nope.tfstate"
    }
  }

  assert {
    condition     = data.terraform_remote_state.missing.outputs.name == "shared-name"
    error_message = "never evaluated"
  }
}

check "present_state" {
  data "terraform_remote_state" "present" {
    backend = "local"
    config = {
      path = "${path.module}/shared.tfstate"
    }
  }

  assert {
    condition     = data.terraform_remote_state.present.outputs.name == terraform_data.a.input
    error_message = "the shared name is not ${terraform_data.a.input}"
  }
}

module "m" {
  source = "./m"
}
