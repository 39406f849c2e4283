terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region = "us-east-1"
}
resource "aws_security_group" "sg" {
  name = "x"
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.from
      to_port     = ingress.value.to
      protocol    = "tcp"
      cidr_blocks = ingress.value.cidrs
      bogus       = 1
    }
  }
  dynamic "nope" {
    for_each = []
    content {}
  }
}
variable "rules" {
  type = list(object({ from = number, to = number, cidrs = list(string) }))
}
resource "aws_instance" "i" {
  ami           = "x"
  instance_type = "t2.micro"
  count         = 2
  tags = {
    Name = "i-${count.index}"
  }
}
output "ids" {
  value = aws_instance.i.id
}
output "ids2" {
  value = aws_instance.i[*].idd
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = "x"
  dynamic "versioning_configuration" {
    for_each = var.rules
    content {
      mfa_delete = "Disabled"
    }
  }
}
