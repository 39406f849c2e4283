terraform {
  required_version = ">= 1.3.0"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      version = "~> 5.0"
    }
    random = {
      source  = "hashicorp/random"
        version = ">= 3.1"
    }
  }
  backend "s3" {
    bucket = "tf-state"
    key = "vpc/terraform.tfstate"
    region = "us-east-1"
    encrypt = true
  }
}

variable "cidr" {
  type = string
  default = "10.0.0.0/16"
  validation {
    condition = can(cidrhost(var.cidr, 0))
    error_message = "Must be a valid CIDR."
  }
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  enable_dns_hostnames = true
  tags = merge(local.common_tags, {Name = "${local.name}-vpc"})
}

resource "aws_subnet" "private" {
  count = length(var.azs)
  vpc_id = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 4, count.index)
  availability_zone = var.azs[count.index]
  tags = {
    Name = "${local.name}-private-${var.azs[count.index]}"
    Tier = "private"
  }
}

output "private_subnet_ids" {
  description = "IDs"
  value = aws_subnet.private[*].id
}
