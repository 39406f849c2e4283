variable "size" {
  type    = number
  default = 3

  validation {
    condition     = var.size > 0
    error_message = "The size must be positive."
  }
}

resource "terraform_data" "sized" {
  input = var.size

  lifecycle {
    precondition {
      condition     = var.size < 10
      error_message = "Too big."
    }
    postcondition {
      condition     = self.output == var.size
      error_message = "The output must echo the input."
    }
  }
}

data "terraform_remote_state" "none" {
  backend = "local"
  config = {
    path = "${path.module}/empty.tfstate"
  }
  defaults = {
    fallback = "yes"
  }
}

output "size" {
  value = terraform_data.sized.output

  precondition {
    condition     = data.terraform_remote_state.none.outputs.fallback == "yes"
    error_message = "The default must apply."
  }
}
