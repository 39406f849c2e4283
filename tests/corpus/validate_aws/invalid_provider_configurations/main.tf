terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  foo    = "bar"
  region = 1 + "x"
}

provider "aws" {
  alias  = "b"
  region = "us-east-1"
  assume_role {
    bogus = 1
  }
}

provider "aws" {
  alias  = "unused"
  region = var.nope
}

provider "aws" {
  alias  = "c"
  region = local.nope
}

resource "aws_s3_bucket" "a" {
  bogus = 1
}

resource "aws_s3_bucket" "b" {
  provider = aws.b
  bogus    = 2
}

resource "aws_s3_bucket" "c" {
  provider = aws.c
}

resource "terraform_data" "d" {
  input = 1 + "x"
}
