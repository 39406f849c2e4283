terraform {
  required_providers {
    awsx = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region = "us-east-1"
}
resource "aws_s3_bucket" "b" {}
module "m" {
  source = "./m"
  providers = {
    aws = awsx
  }
}
