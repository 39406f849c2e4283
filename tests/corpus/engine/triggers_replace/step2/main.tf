variable "version_tag" {
  type    = string
  default = "v1"
}

resource "terraform_data" "deploy" {
  input            = "app"
  triggers_replace = [var.version_tag]
}

resource "terraform_data" "cbd" {
  input            = "cbd"
  triggers_replace = { version = var.version_tag }

  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "follower" {
  input = terraform_data.deploy.id
}

output "deploy_id_known" {
  value = terraform_data.deploy.id != ""
}
