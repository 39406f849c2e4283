# terraform_data.d has create_before_destroy and refers to r["a"] and c[1]: the apply
# records create_before_destroy on those instances only (the apply graph forces it on
# what a create_before_destroy node depends on, instance by instance); step2 plans no
# change, and the plan records it on every instance of r and c (forced on the resources).
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
