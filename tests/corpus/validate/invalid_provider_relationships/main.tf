provider "terraform" {
  alias = "eu"
}
module "m" {
  source = "./m"
  providers = {
    "terraform.eu" = "terraform.eu"
  }
}
module "n" {
  source = "./m"
  providers = {
    null = terraform
  }
}
