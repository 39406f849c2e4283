provider "aws" {}
provider "terraform" {}
