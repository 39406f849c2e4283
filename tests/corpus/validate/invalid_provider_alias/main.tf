provider "aws" {
  alias = "1bad"
}
