data "terraform_remote_state" "nested" {
  backend = "local"
  config = {
    path = "${path.root}/shared.tfstate"
  }
}

output "name" {
  value = data.terraform_remote_state.nested.outputs.name
}
