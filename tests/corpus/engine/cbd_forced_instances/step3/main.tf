# r["b"] and c[0] are replaced (create_before_destroy forced on their resources) and d is
# updated; the new objects record create_before_destroy as the apply graph has it.
variable "x" {
  default = "2"
}

resource "terraform_data" "r" {
  for_each         = toset(["a", "b"])
  input            = each.key
  triggers_replace = each.key == "b" ? 2 : 1
}

resource "terraform_data" "c" {
  count            = 2
  input            = count.index
  triggers_replace = count.index == 0 ? 2 : 1
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
