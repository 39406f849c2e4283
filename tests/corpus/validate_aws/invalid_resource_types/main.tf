terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
resource "aws_s3_buckett" "a" {}
resource "aws_ami" "b" {}
data "aws_s3_bucket_object_lock_configuration" "c" {}
ephemeral "aws_nope" "d" {}
data "aws_nope_at_all" "e" {}
