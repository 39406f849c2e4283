override_data {
  target = data.terraform_remote_state.s
  values = {}
}
override_data {
  target = data.terraform_remote_state.s
  values = {}
}
override_resource {
  target = var.x
}
override_data {
  values = {}
}
override_module {
  target = terraform_data.a
}
run "x" {}
run "x" {}
run "1bad" {}
run "ok" {
  override_data {
    target = data.terraform_remote_state.s
  }
  override_data {
    target = data.terraform_remote_state.s
  }
}
