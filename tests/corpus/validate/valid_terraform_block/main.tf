terraform {
  required_version = ">= 1.2, < 2.0"
  backend "local" {
    path = "x.tfstate"
  }
}
