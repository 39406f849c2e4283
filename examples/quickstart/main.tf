# The quickstart: no cloud account needed. random_pet names the pet,
# local_file writes a greeting next to this file, and terraform_data keeps
# the greeting's content hash (and is replaced whenever the pet changes).

terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
    local = {
      source = "hashicorp/local"
    }
  }
}

variable "name" {
  type    = string
  default = "sheath"
}

resource "random_pet" "pet" {
  length = 2
}

locals {
  greeting = "Hello from ${var.name}, said ${random_pet.pet.id}!"
}

resource "local_file" "greeting" {
  filename = "${path.module}/greeting.txt"
  content  = "${local.greeting}\n"
}

resource "terraform_data" "checksum" {
  input            = local_file.greeting.content_sha256
  triggers_replace = [random_pet.pet.id]
}

output "greeting" {
  value = local.greeting
}

output "file" {
  value = local_file.greeting.filename
}
