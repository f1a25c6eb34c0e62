print("the Spark packages are resolved into the Ivy cache")
