resource "terraform_data" "a" {
  _ {
    input = 1
  }
  provisioner "local-exec" {
    _ {
      command = "true"
    }
  }
}
data "terraform_remote_state" "b" {
  _ {
    backend = "local"
  }
}
module "m" {
  source = "./m"
  _ {
    x = 3
  }
}
output "o" {
  value = [terraform_data.a.input, data.terraform_remote_state.b.backend]
}
