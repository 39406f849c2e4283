from_file = ["one", "two"]
labels = {
  team = "edge"
  tier = "gold"
}
