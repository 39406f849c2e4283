variable "generation" {
  type    = number
  default = 1
}

resource "terraform_data" "base" {
  input            = "base"
  triggers_replace = var.generation
}

resource "terraform_data" "front" {
  count = 2
  input = "${terraform_data.base.id != "" ? "linked" : "unlinked"}-${count.index}"

  triggers_replace = terraform_data.base.id

  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "plain" {
  input = terraform_data.front[0].input
}
