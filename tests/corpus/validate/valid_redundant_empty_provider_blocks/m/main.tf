provider "terraform" {}

provider "terraform" {
  alias = "b"
}

resource "terraform_data" "x" {}
