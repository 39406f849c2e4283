terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {}
provider "aws" {
  alias = "w"
}
module "m" {
  source = "./m"
  providers = {
    aws.x = aws.w
  }
}
module "n" {
  source = "./n"
}
