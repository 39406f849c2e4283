terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region = "us-east-1"
}
resource "aws_s3_bucket" "a" {
  bucket = [1]
  tags = {
    a = local.t
  }
}
locals {
  t = 1 + "x"
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.a.id
  versioning_configuration {
    status = "Enabled"
    bogus  = 1
  }
}
resource "aws_s3_bucket_versioning" "w" {
  bucket = "x"
}
resource "aws_instance" "i" {
  ami           = "ami-1"
  instance_type = "t2.micro"
  dynamic "ebs_block_device" {
    for_each = 5
    content {
      device_name = ebs_block_device.value
    }
  }
}
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["s3:*"]
    effect  = "Maybe"
  }
}
