terraform {
  required_version = ">= 2.0, < 3.0"
}
