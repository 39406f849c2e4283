output "o" {
  value = data.terraform_remote_state.nope.outputs
}
