provider "aws" {
  region = "x"
}
provider "null" {
  alias = "z"
}
