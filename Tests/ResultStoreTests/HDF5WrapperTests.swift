import Foundation
import TensorCore
import XCTest
@testable import ResultStore

final class HDF5WrapperTests: XCTestCase {
    func testAttributesOfEveryTypeRoundTrip() throws {
        let path = try Fixtures.folder() + "/a.h5"
        do {
            let file = try HDF5File.create(path)
            let group = try file.root().createGroup("a/b/c")
            try group.attributes.write("text", "naïve — ✓")
            try group.attributes.write("empty", "")
            try group.attributes.write("int", Int.min)
            try group.attributes.write("double", -0.0)
            try group.attributes.write("ints", [784, 1200, 8])
            try group.attributes.write("doubles", [Double.nan, 1.5])
            try group.attributes.write("no_ints", [Int]())
            try group.attributes.write("int", 3)  // replaces
        }
        let group = try HDF5File.open(path).root().group("a/b/c")
        let a = group.attributes
        XCTAssertEqual(try a.names(), ["double", "doubles", "empty", "int", "ints", "no_ints", "text"])
        XCTAssertEqual(try a.string("text"), "naïve — ✓")
        XCTAssertEqual(try a.string("empty"), "")
        XCTAssertEqual(try a.int("int"), 3)
        XCTAssertEqual(try a.double("double").bitPattern, (-0.0).bitPattern)
        XCTAssertEqual(try a.ints("ints"), [784, 1200, 8])
        XCTAssertEqual(try a.doubles("doubles").map(\.bitPattern), [Double.nan.bitPattern, 1.5.bitPattern])
        XCTAssertEqual(try a.ints("no_ints"), [])
        XCTAssertEqual(expectError { _ = try a.int("ints") }?.description,
                       "\(path): /a/b/c: attribute ints: expected a scalar, found shape [3]")
        XCTAssertEqual(expectError { _ = try a.string("int") }?.description,
                       "\(path): /a/b/c: attribute int: expected string, found int64")
        XCTAssertEqual(expectError { _ = try a.double("missing") }?.description,
                       "\(path): /a/b/c: attribute missing: not found")
    }

    func testGroupsDatasetsAndMembers() throws {
        let path = try Fixtures.folder() + "/g.h5"
        let tensor = Tensor(shape: [2, 3, 2], scalars: (0..<12).map { Float($0) - 5.5 })
        let file = try HDF5File.create(path)
        try {
            let root = try file.root()
            try root.createGroup("x/y").createDataset("t", tensor: tensor)
            try root.createGroup("x").createDataset("d", doubles: [1, 2])
            try root.createGroup("x").createDataset("u", uint64s: [.max])
            try root.createGroup("x").createDataset("s", tensor: Tensor(2.5))
            XCTAssertEqual(expectError { try root.createGroup("x").createDataset("d", doubles: []) }?.description,
                           "\(path): /x/d: cannot create dataset: the name is taken")
        }()
        try file.close()  // every group and dataset made above is released
        let root = try HDF5File.open(path).root()
        XCTAssertEqual(try root.group("x").memberNames(), ["d", "s", "u", "y"])
        XCTAssertEqual(try root.kind(of: "x/y"), .group)
        XCTAssertEqual(try root.kind(of: "x/y/t"), .dataset)
        XCTAssertNil(try root.kind(of: "x/nope/t"))
        XCTAssertNil(try root.kind(of: "x/d/below"))
        XCTAssertEqual(try root.dataset("x/y/t").readTensor(), tensor)
        XCTAssertEqual(try root.dataset("x/y/t").shape(), [2, 3, 2])
        XCTAssertEqual(try root.dataset("x/s").readTensor(), Tensor(2.5))
        XCTAssertEqual(try root.dataset("x/u").readUInt64s(), [.max])
        XCTAssertEqual(try root.dataset("x/d").readDoubles(), [1, 2])
        XCTAssertEqual(expectError { _ = try root.dataset("x/d").readTensor() }?.description,
                       "\(path): /x/d: expected float32, found float64")
        XCTAssertEqual(expectError { _ = try root.dataset("x/y/t").readDoubles() }?.description,
                       "\(path): /x/y/t: expected float64 [n], found shape [2, 3, 2]")
        XCTAssertEqual(expectError { _ = try root.group("x/d") }?.description,
                       "\(path): /x/d: expected a group, found a dataset")
        XCTAssertEqual(expectError { _ = try root.dataset("x/y") }?.description,
                       "\(path): /x/y: expected a dataset, found a group")
    }

    func testCloseFailsWhileObjectsAreOpen() throws {
        let path = try Fixtures.folder() + "/c.h5"
        let file = try HDF5File.create(path)
        var group: HDF5Group? = try file.root().createGroup("g")
        XCTAssertEqual(expectError { try file.close() }?.description,
                       "\(path): cannot close: objects of the file are still open")
        XCTAssertNotNil(group)
        group = nil
        try file.close()
        try file.close()
        XCTAssertEqual(try HDF5File.open(path).root().memberNames(), ["g"])
    }

    func testEveryIdentifierIsReleased() throws {
        let path = try Fixtures.folder() + "/run.h5"
        let before = HDF5Library.openObjectCount()
        try RunFile.write(Fixtures.fullRecord(), to: path)
        _ = try RunFile.read(path)
        _ = expectError { _ = try RunFile.read(path + ".missing") }
        let readOnly = expectError { try HDF5File.open(path).root().attributes.remove("format") }
        XCTAssertTrue(readOnly?.description.hasPrefix("\(path): /: attribute format: cannot remove") ?? false, "\(String(describing: readOnly))")
        XCTAssertEqual(HDF5Library.openObjectCount(), before)
    }

    func testNULInStringIsRefused() throws {
        let path = try Fixtures.folder() + "/n.h5"
        let root = try HDF5File.create(path).root()
        XCTAssertEqual(expectError { try root.attributes.write("s", "a\u{0}b") }?.description,
                       "\(path): /: attribute s: a string cannot hold a NUL character")
    }
}
