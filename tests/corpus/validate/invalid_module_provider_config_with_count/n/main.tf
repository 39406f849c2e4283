provider "aws" {
  region = "y"
}
