terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "us-east-1"
}

# root_block_device allows one block: the second is pointed at by its opening brace
resource "aws_instance" "i" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  root_block_device {
    volume_size = 8
  }
  root_block_device {
    volume_size = 9
  }
}
