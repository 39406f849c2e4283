terraform {
  backend "local" {}
  cloud {
    organization = "o"
  }
}
