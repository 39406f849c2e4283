variable "tag" {
  type    = string
  default = "one"
}

resource "terraform_data" "writer" {
  input = var.tag
}

data "terraform_remote_state" "shared" {
  backend = "local"
  config = {
    path = "${path.module}/shared.tfstate"
  }
  depends_on = [terraform_data.writer]
}

resource "terraform_data" "reader" {
  input = data.terraform_remote_state.shared.outputs.name
}

output "remote_name" {
  value = data.terraform_remote_state.shared.outputs.name
}
