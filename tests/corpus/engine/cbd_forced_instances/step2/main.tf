# the same configuration: no change, the objects now record the resources' setting
variable "x" {
  default = "1"
}

resource "terraform_data" "r" {
  for_each         = toset(["a", "b"])
  input            = each.key
  triggers_replace = 1
}

resource "terraform_data" "c" {
  count            = 2
  input            = count.index
  triggers_replace = 1
}

resource "terraform_data" "d" {
  input = [terraform_data.r["a"].input, terraform_data.c[1].input, var.x]
  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "free" {
  input = terraform_data.c[0].id
}
