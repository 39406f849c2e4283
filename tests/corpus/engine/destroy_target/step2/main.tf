# a <- b <- c, and x unrelated: a targeted destroy deletes b and what depends on it
data "terraform_remote_state" "net" {
  backend = "local"
  config = {
    path = "${path.module}/net.tfstate"
  }
}

resource "terraform_data" "a" {
  input = data.terraform_remote_state.net.outputs.vpc_id
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}

resource "terraform_data" "c" {
  input = "${terraform_data.b.output}-c"
}

resource "terraform_data" "x" {
  input = "x"
}

check "c_named" {
  assert {
    condition     = terraform_data.c.output != ""
    error_message = "c has no output."
  }
}

output "c" {
  value = terraform_data.c.output
}

output "x" {
  value = terraform_data.x.output
}
