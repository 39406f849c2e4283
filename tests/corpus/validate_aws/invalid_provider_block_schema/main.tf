terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  foo    = "bar"
  region = 1 + "x"
  lifecycle {}
  locals {}
}
provider "aws" {
  alias  = "b"
  region = var.nope
  assume_role {
    bogus = 1
  }
}
resource "aws_s3_bucket" "x" {
  provider = aws.b
  bogus    = 1
}
