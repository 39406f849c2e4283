variables {
  v = 1
}

provider "terraform" {
  alias = "x"
}

mock_provider "terraform" {
  alias = "mock"
  mock_resource "terraform_data" {
    defaults = {
      output = "x"
    }
  }
  override_data {
    target = data.terraform_remote_state.s
    values = {}
  }
}

override_resource {
  target = terraform_data.a
  values = {}
}

override_module {
  target = module.m
}

run "first" {
  command = plan
  variables {
    v = 2
  }
  plan_options {
    refresh = false
  }
  assert {
    condition     = terraform_data.a.input == null
    error_message = "x"
  }
  override_data {
    target = data.terraform_remote_state.s
  }
}

run "second-one" {
  expect_failures = [terraform_data.a]
}
