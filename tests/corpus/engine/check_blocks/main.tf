resource "terraform_data" "svc" {
  input = {
    port    = 8080
    healthy = false
  }
}

check "port_in_range" {
  assert {
    condition     = terraform_data.svc.input.port > 1024
    error_message = "The port must be unprivileged."
  }
}

check "healthy" {
  assert {
    condition     = terraform_data.svc.input.healthy
    error_message = "The service is not healthy."
  }
}

check "after_apply" {
  assert {
    condition     = terraform_data.svc.output != null
    error_message = "The output is missing."
  }
}

check "scoped_data" {
  data "terraform_remote_state" "probe" {
    backend = "local"
    config = {
      path = "${path.module}/probe.tfstate"
    }
  }

  assert {
    condition     = data.terraform_remote_state.probe.outputs.status == "green"
    error_message = "The probe is not green."
  }
}
