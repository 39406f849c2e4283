provider "aws" {
  count = 1
}
