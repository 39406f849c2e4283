terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
module "inner" {
  source = "../m2"
  providers = {
    aws = aws
    google = google
  }
}
