resource "terraform_data" "a" {
  _ {
    count = 1
  }
}
data "terraform_remote_state" "b" {
  backend = "local"
  _ {
    count = 2
  }
}
provider "terraform" {
  _ {
    alias = "x"
  }
}
module "m" {
  source = "./m"
  _ {
    x = 3
  }
}
