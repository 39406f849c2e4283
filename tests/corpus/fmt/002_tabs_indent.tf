variable "region" {
	description = "AWS region"
	type = string
	default = "us-east-1"
}

provider "aws" {
	region = var.region
		default_tags {
	  tags = {
			Environment = "dev"
		Owner = "platform"
	}
	}
}
