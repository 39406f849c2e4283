terraform {
  required_providers {
    terraform = {
      source  = "terraform.io/builtin/terraform"
      version = "1.0.0"
    }
    tf2 = {
      source = "terraform.io/builtin/nope"
    }
  }
}
