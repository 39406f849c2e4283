removed {
  from = terraform_data.forget_me

  lifecycle {
    destroy = false
  }
}

removed {
  from = terraform_data.forget_many

  lifecycle {
    destroy = false
  }
}

removed {
  from = module.mod

  lifecycle {
    destroy = true
  }
}

resource "terraform_data" "stays" {
  input = "stays"
}
