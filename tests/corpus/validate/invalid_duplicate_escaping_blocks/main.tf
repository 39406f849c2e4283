resource "terraform_data" "a" {
  _ {
  }
  _ {
  }
  provisioner "local-exec" {
    command = "true"
    _ {
    }
    _ {
    }
  }
}
data "terraform_remote_state" "b" {
  backend = "local"
  _ {
  }
  _ {
  }
}
provider "terraform" {
  _ {
  }
  _ {
  }
}
module "m" {
  source = "./m"
  _ {
  }
  _ {
  }
}
