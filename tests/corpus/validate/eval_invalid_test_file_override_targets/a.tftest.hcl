override_resource {
  target = data.terraform_remote_state.s
}
override_data {
  target = terraform_data.a
}
override_module {
  target = module.x[0]
}
override_resource {
  target = terraform_data.a[0]
}
override_resource {
  target = "terraform_data.a"
}
override_module {
}
mock_provider "aws" {
  override_resource {
    target = terraform_data.a
  }
  override_resource {
    target = terraform_data.a
  }
}
run "a" {
  override_module {
    target = module.y
  }
  override_module {
    target = module.y
  }
}
