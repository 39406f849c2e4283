terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  foo = "bar"
}
resource "aws_s3_bucket" "b" {
  bogus = 1
}
resource "aws_nope" "c" {}
