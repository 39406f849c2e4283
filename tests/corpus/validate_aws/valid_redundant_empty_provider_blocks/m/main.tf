provider "aws" {
  alias = "x"
}
resource "aws_s3_bucket" "x" {
  provider = aws.x
}
